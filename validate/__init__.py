"""Row rules, dataset expectations and the reports they produce."""
