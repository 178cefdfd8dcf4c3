// Placeholder: the NotebookRunner module is being written.
