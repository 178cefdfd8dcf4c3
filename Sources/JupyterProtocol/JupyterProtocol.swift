// Placeholder: the JupyterProtocol module is being written.
