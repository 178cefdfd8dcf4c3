// Placeholder: the CellRuntime module is being written.
