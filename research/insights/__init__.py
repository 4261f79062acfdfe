"""AI market summaries: a stats bundle gathered by research code, an OpenAI call
that returns claims citing the bundle, and a check of every cited figure."""
