"""Word lists that Faker lacks (Faker has no Kazakh locale)."""
