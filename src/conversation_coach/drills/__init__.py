"""Short exercises: trap rewrites, the personal-outcomes quiz, the outcome-statement checker."""
