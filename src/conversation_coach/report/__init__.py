"""Reports of an assessment: terminal (rich), Markdown, HTML, JSON."""
