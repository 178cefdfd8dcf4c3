// Placeholder: the Kernel module is being written.
