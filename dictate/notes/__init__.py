"""The note and what happens to it: edits applied, review flags, the draft journal."""
