"""Django-free analytics for prevention: the synthetic world (`world`) and risk scoring (`scoring`)."""
