"""The rubric: rules as data, the utterance coder, conversation-level rules and the scorer."""
