# The Swift (Inference) kernel in a Jupyter image for JupyterHub (Zero to JupyterHub's singleuser.image) and
# plain `docker run`. It follows Jupyter's base-notebook conventions: the user NB_USER (jovyan), uid 1000,
# home /home/jovyan, start-notebook.py as the command (it runs `jupyter lab`, or jupyterhub-singleuser
# when JupyterHub starts the container). docs/deploy.md says how to build, run and size it.
#
# The kernel is built and installed by scripts/install.sh, the same steps as `make install` and
# binder/postBuild; e2e/python/test_install.py runs that script as uid 1000 outside a container.
#
#   docker build -t swift-inference .
#   docker run -p 8888:8888 swift-inference
ARG BASE_IMAGE=quay.io/jupyter/base-notebook:ubuntu-24.04
FROM ${BASE_IMAGE}

ARG SWIFT_VERSION=6.3.1

USER root

# What the Swift toolchain needs on Ubuntu 24.04 (as swift.org's own images install), libzmq for the
# kernel, and curl and gpg to fetch and check the toolchain.
RUN apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        binutils git unzip gnupg2 curl ca-certificates libc6-dev libcurl4-openssl-dev libedit2 \
        libgcc-13-dev libpython3-dev libsqlite3-0 libstdc++-13-dev libxml2-dev libncurses-dev \
        libz3-dev pkg-config tzdata zlib1g-dev libzmq3-dev \
    && rm -rf /var/lib/apt/lists/*

# The toolchain goes where the kernel looks for it without configuration.
COPY scripts/install-swift-toolchain.sh /usr/local/bin/install-swift-toolchain.sh
RUN install-swift-toolchain.sh "${SWIFT_VERSION}" /opt/swift
ENV PATH="/opt/swift/usr/bin:${PATH}"

# Build and install into the prefix of the Python that runs Jupyter (/opt/conda): the kernelspec lands in
# /opt/conda/share/jupyter/kernels/swift-inference, the files in /opt/conda/share/swift-inference, the
# command in /opt/conda/bin. The source and the build folder are removed afterwards.
COPY . /tmp/swift-inference-src
RUN cd /tmp/swift-inference-src \
    && SWIFT_SCRATCH_PATH=/tmp/swift-inference-build scripts/install.sh --sys-prefix \
    && rm -rf /tmp/swift-inference-src /tmp/swift-inference-build /root/.cache

# The lecture notebooks and their data, side by side as the notebooks expect (../data).
COPY --chown=${NB_UID}:${NB_GID} notebooks /home/${NB_USER}/notebooks
COPY --chown=${NB_UID}:${NB_GID} data /home/${NB_USER}/data

USER ${NB_UID}
WORKDIR /home/${NB_USER}

# The same check a course runs on its server: kernelspec, toolchain, libzmq, cache, memory, one cell.
RUN swift-inference doctor && rm -rf /home/${NB_USER}/.cache/swift-inference

CMD ["start-notebook.py"]
