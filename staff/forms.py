"""Forms of the staff app (groupschool.forms.ScopedModelForm limits choices to the user's scope)."""
