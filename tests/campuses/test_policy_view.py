"""Policy rules page: every rule with its value in force, default, unit and source."""

from django.urls import reverse

from kernel.models import POLICY_RULES, PolicySetting

URL = reverse("campuses:policy")


def test_anonymous_is_sent_to_login(client, plan):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_outsider_without_role_is_refused(plan, outsider, client):
    client.force_login(outsider)
    assert client.get(URL).status_code == 403


def test_every_rule_is_shown_with_default_and_source(plan, client_as):
    response = client_as("vp-longxiang").get(URL)
    assert response.status_code == 200
    rules = response.context["rules"]
    assert [rule.key for rule in rules] == list(POLICY_RULES)
    content = response.content.decode()
    assert "国发〔2016〕40号" in content
    assert "admin_url" not in response.context


def test_value_set_by_the_bureau_is_in_force(plan, client_as):
    PolicySetting.objects.create(key="big_class_from", value=51, note="省里新规")
    rules = {rule.key: rule for rule in client_as("bureau").get(URL).context["rules"]}
    assert rules["big_class_from"].value == 51
    assert rules["big_class_from"].default == 56
    assert not rules["big_class_from"].is_default
    assert rules["super_big_class_from"].is_default


def test_administrator_gets_the_admin_link(plan, client_as):
    response = client_as("admin").get(URL)
    assert response.context["admin_url"] == reverse("admin:kernel_policysetting_changelist")


def test_policy_page_uses_one_query_for_the_rules(plan, client_as, django_assert_max_num_queries):
    client = client_as("bureau")
    with django_assert_max_num_queries(4):
        client.get(URL)
