"""Model-backed helpers behind small interfaces, chosen by name in a language file."""
