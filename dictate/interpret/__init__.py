"""Words to edits: spoken commands, numbers, vocabulary correction."""
