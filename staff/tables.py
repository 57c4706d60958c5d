"""django-tables2 tables of the staff app."""
