"""The soak simulation's framework: simulated people (people.py), what they did (ledger.py),
the days they live through (simulation.py) and the check of the database against what they
did (compare.py). The scenario's numbers are in scenario.py; tests/test_soak.py runs it."""
