// Placeholder: the CellEngine module is being written.
