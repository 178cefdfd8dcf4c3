print("swift-inference")
