"""Admin of the kernel's models: the policy settings."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .admin_base import PortalResource, ScopedAdmin
from .models import PolicySetting


class PolicySettingResource(PortalResource):
    class Meta:
        model = PolicySetting
        import_id_fields = ("key",)
        fields = ("key", "value", "note")


@admin.register(PolicySetting)
class PolicySettingAdmin(ScopedAdmin):
    resource_classes = [PolicySettingResource]
    list_display = ("key", "value", "default_value", "note")
    search_fields = ("key", "note")
    list_filter = ("key",)

    @admin.display(description=_("default"))
    def default_value(self, obj):
        return obj.rule.default
