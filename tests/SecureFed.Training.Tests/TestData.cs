namespace SecureFed.Training.Tests;

/// <summary>The public data sets of data/, copied next to the test assembly by the build.</summary>
internal static class TestData
{
    public static string Path(string file) =>
        System.IO.Path.Combine(AppContext.BaseDirectory, "data", file);
}
