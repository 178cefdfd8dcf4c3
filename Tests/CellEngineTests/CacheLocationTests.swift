import Testing

@testable import CellEngine

/// Where each user's build cache goes: the environment a spawner gives the kernel wins over the password
/// file (JupyterHub and `runuser` may set a HOME that is not the password file's).
@Suite struct CacheLocationTests {
    @Test func homeFromTheEnvironmentWinsOverThePasswordFile() {
        #expect(EngineConfiguration.cacheDirectory(["HOME": "/srv/students/ada"]) == "/srv/students/ada/.cache/swift-inference")
    }

    @Test func xdgCacheHomeComesBeforeHome() {
        let environment = ["HOME": "/home/ada", "XDG_CACHE_HOME": "/scratch/ada"]
        #expect(EngineConfiguration.cacheDirectory(environment) == "/scratch/ada/swift-inference")
    }

    @Test func anExplicitCacheComesFirst() {
        let environment = ["HOME": "/home/ada", "XDG_CACHE_HOME": "/scratch/ada", "SWIFT_INFERENCE_CACHE": "/srv/cache"]
        #expect(EngineConfiguration.cacheDirectory(environment) == "/srv/cache")
    }

    @Test func emptyValuesAreUnset() {
        let environment = ["HOME": "/home/ada", "XDG_CACHE_HOME": "", "SWIFT_INFERENCE_CACHE": ""]
        #expect(EngineConfiguration.cacheDirectory(environment) == "/home/ada/.cache/swift-inference")
    }
}
