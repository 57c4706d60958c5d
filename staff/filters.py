"""django-filter filtersets of the staff app."""
