"""The coordinators' template files: layouts, spoken commands, auto-texts, vocabulary, checks."""
