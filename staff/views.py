"""Views of the staff app: thin, scoped through groupschool.generic."""
