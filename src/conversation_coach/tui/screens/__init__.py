"""The app's screens: picker, conversation, summary, help, resume offer, assessment thank-you."""
