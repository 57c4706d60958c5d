"""kernel.widgets: selects rendered in Python write what Django's templates write, and
style_widgets gives every plain select of a form or filter form that rendering."""

import pytest
from django import forms
from django.utils.safestring import mark_safe

from campuses.models import Campus
from kernel.widgets import FastNullBooleanSelect, FastSelect, style_widgets
from tests.campuses.factories import CampusFactory

GROUPED = [
    ("", "---------"),
    ("城区", [("a", "甲 & 乙"), ("b", '"引号"')]),
    ("c", 2024),
    (None, "无"),
]


@pytest.mark.parametrize(
    ("choices", "value", "attrs"),
    [
        ([("", "---------"), ("x", "X"), ("y", "<b>y</b>")], "y", {"id": "id_f"}),
        ([("", "---------"), ("x", "X")], None, {"id": "id_f", "required": True, "aria-invalid": "true"}),
        ([(1, "一"), (2, "二"), ("2", "又一个二")], 2, {"id": "id_f", "disabled": False}),
        (GROUPED, "b", {"id": "id_g", "data-x": '<">'}),
        (GROUPED, "", {}),
        ([("x", mark_safe("<em>safe</em>"))], ["x", "y"], {"id": "id_f"}),
    ],
)
def test_fast_select_writes_what_django_writes(choices, value, attrs):
    django_select = forms.Select(attrs={"class": "form-select"}, choices=choices)
    fast = FastSelect(attrs={"class": "form-select"}, choices=choices)
    assert fast.render("f", value, attrs) == django_select.render("f", value, attrs)


@pytest.mark.parametrize("value", [None, True, False, "true", "unknown"])
def test_fast_null_boolean_select_writes_what_django_writes(value):
    assert FastNullBooleanSelect().render("b", value, {"id": "id_b"}) == forms.NullBooleanSelect().render(
        "b", value, {"id": "id_b"}
    )


def test_fast_select_escapes_labels_and_values():
    html = FastSelect(choices=[('"><script>', "<b>x</b>")]).render("f", '"><script>')
    assert '<option value="&quot;&gt;&lt;script&gt;" selected>&lt;b&gt;x&lt;/b&gt;</option>' in html
    assert "<b>" not in html and "<script>" not in html


class CampusForm(forms.Form):
    campus = forms.ModelChoiceField(queryset=Campus.objects.order_by("name"), required=False)
    kind = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)
    many = forms.MultipleChoiceField(choices=[("a", "A")])
    flag = forms.NullBooleanField()


def test_style_widgets_swaps_plain_selects_only():
    form = CampusForm()
    style_widgets(form)
    assert type(form.fields["campus"].widget) is FastSelect
    assert type(form.fields["flag"].widget) is FastNullBooleanSelect
    assert type(form.fields["kind"].widget) is forms.RadioSelect
    assert type(form.fields["many"].widget) is forms.SelectMultiple
    assert form.fields["campus"].widget.attrs["class"] == "form-select"


def test_model_choice_select_is_one_query_and_matches_django(db, django_assert_num_queries):
    chosen = CampusFactory(name="<b>x</b>")
    CampusFactory.create_batch(5)
    plain, styled = CampusForm({"campus": chosen.pk}), CampusForm({"campus": chosen.pk})
    style_widgets(styled)
    plain.fields["campus"].widget.attrs["class"] = "form-select"
    expected = str(plain["campus"])
    assert "campus" not in styled.errors  # validated, as a filterset does before the page renders
    with django_assert_num_queries(1):
        html = str(styled["campus"])
    assert html == expected
    assert f'<option value="{chosen.pk}" selected>&lt;b&gt;x&lt;/b&gt;</option>' in html
    assert '<option value="">---------</option>' in html
