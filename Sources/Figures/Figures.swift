// Placeholder: the Figures module is being written.
