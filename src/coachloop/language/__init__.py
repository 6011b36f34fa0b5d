"""Language identification for code-switched contact-center speech (see `langid`)."""
