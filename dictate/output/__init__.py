"""The note out: text, Markdown, JSON, FHIR, the JSON Lines events, the progress line."""
