using System.Text.Json;

namespace SecureFed.Simulator.Tests;

[Collection("Console")]
public class BenchCkksCommandTests
{
    [Fact]
    public void BenchCkks_WithJson_PrintsTheIssuedFieldsAndAnExactSum()
    {
        var (code, output) = Run(
            "bench", "ckks", "--n", "8192", "--repetitions", "3", "--clients", "4", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        string[] timings =
        [
            "encode_ms", "encrypt_pk_ms", "encrypt_sk_ms", "add_ms", "decrypt_share_ms",
            "combine_ms", "decode_ms",
        ];
        foreach (var field in timings)
        {
            Assert.True(root.GetProperty(field).GetDouble() > 0, $"{field} not positive");
        }

        Assert.Equal(4096, root.GetProperty("slots").GetInt32());
        Assert.Equal(80, root.GetProperty("exact_sum_scale_bits").GetInt32());
        Assert.True(root.GetProperty("exact_threshold_sum").GetBoolean());
        Assert.True(root.GetProperty("precision_bits").GetDouble() > 20);

        // Three 60-bit chain primes: two polynomials of 3 x 8192 residues at 60 bits, a header.
        int bytes = root.GetProperty("ciphertext_bytes").GetInt32();
        Assert.InRange(bytes, 2 * 3 * 8192 * 60 / 8, (2 * 3 * 8192 * 60 / 8) + 64);
        Assert.True(root.GetProperty("ciphertext_bytes_seeded").GetInt32() < bytes / 2 + 64);
        Assert.False(root.TryGetProperty("node_seal", out _));
    }

    [Theory]
    [InlineData("--n", "2048")]
    [InlineData("--repetitions", "0")]
    [InlineData("--clients", "0")]
    public void BenchCkks_RejectsOutOfRangeOptions_WithAClearError(string option, string value)
    {
        var (code, output) = Run("bench", "ckks", option, value, "--json");

        Assert.Equal(2, code);
        Assert.Contains(option, JsonDocument.Parse(output).RootElement.GetProperty("error").GetString());
    }

    private static (int Code, string Output) Run(params string[] args)
    {
        var original = Console.Out;
        using var writer = new StringWriter();
        Console.SetOut(writer);
        try
        {
            int code = Program.Main(args);
            return (code, writer.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
