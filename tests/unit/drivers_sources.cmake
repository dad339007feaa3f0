# Sources of drivers under test: target_sources(cairn_unit_tests PRIVATE ...).
