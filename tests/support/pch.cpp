// The translation unit that builds the test targets' precompiled header (ecom_test_pch in
// cmake/EcomModule.cmake); it has no code of its own.
