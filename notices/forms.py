"""Forms of the notices app. A channel's webhook address and secret are write-only: the form
says "已设置" (set) and offers an empty field to replace them; they are never rendered back."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.events import EventKind
from kernel.forms import PortalAdminForm, ScopedModelForm

from .models import Channel


class WriteOnlyInput(forms.PasswordInput):
    """A password-like input that never renders the value saved (render_value=False)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})}, render_value=False)


class ChannelFormMixin:
    """The write-only fields: empty keeps what is saved; a value replaces it."""

    SECRET_FIELDS = ("webhook_url", "secret")

    def _setup_channel_fields(self) -> None:
        self.fields["event_kinds"] = forms.MultipleChoiceField(
            label=_("event kinds"),
            choices=EventKind.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=Channel._meta.get_field("event_kinds").help_text,
            initial=self.instance.event_kinds if self.instance.pk else [],
        )
        for name in self.SECRET_FIELDS:
            if name not in self.fields:
                continue
            field = self.fields[name]
            field.required = False
            field.widget = WriteOnlyInput()
            field.initial = ""
            if getattr(self.instance, name, ""):
                field.label = _("%(field)s (set: enter a new one to replace it)") % {"field": field.label}
                field.help_text = _("Set. Leave empty to keep it; it is not shown again.")
        # Never send the saved value back to the browser, even as the field's initial value.
        for name in self.SECRET_FIELDS:
            self.initial.pop(name, None)

    def _clean_secret(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        return value or getattr(self.instance, name, "")


class ChannelAdminForm(ChannelFormMixin, PortalAdminForm):
    class Meta:
        model = Channel
        fields = (
            "name",
            "kind",
            "group",
            "campus",
            "event_kinds",
            "address",
            "webhook_url",
            "secret",
            "active",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_channel_fields()

    def clean_webhook_url(self) -> str:
        return self._clean_secret("webhook_url")

    def clean_secret(self) -> str:
        return self._clean_secret("secret")


class ChannelForm(ChannelFormMixin, ScopedModelForm):
    """The portal's channel form: group and campus choices from the user's scope."""

    class Meta:
        model = Channel
        fields = (
            "name",
            "kind",
            "group",
            "campus",
            "event_kinds",
            "address",
            "webhook_url",
            "secret",
            "active",
        )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self._setup_channel_fields()
        self._style_widgets()

    def clean_webhook_url(self) -> str:
        return self._clean_secret("webhook_url")

    def clean_secret(self) -> str:
        return self._clean_secret("secret")
