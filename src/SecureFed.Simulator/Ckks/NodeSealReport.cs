namespace SecureFed.Simulator.Ckks;

/// <summary>
/// What <c>bench/node-seal/bench.mjs</c> printed: Microsoft SEAL 4.x compiled to WebAssembly
/// (npm package node-seal 6.0.3), N = 8192, primes [60, 40, 40, 60], scale 2^40.
/// </summary>
public sealed record NodeSealReport
{
    /// <summary>The library and version.</summary>
    public string? Library { get; init; }

    /// <summary>The ring degree it ran at.</summary>
    public int N { get; init; }

    /// <summary>Median encoding time.</summary>
    public double EncodeMs { get; init; }

    /// <summary>Median public-key encryption time.</summary>
    public double EncryptPkMs { get; init; }

    /// <summary>Median secret-key encryption time.</summary>
    public double EncryptSkMs { get; init; }

    /// <summary>Median addition time.</summary>
    public double AddMs { get; init; }

    /// <summary>Median decryption time.</summary>
    public double DecryptMs { get; init; }

    /// <summary>Median decoding time.</summary>
    public double DecodeMs { get; init; }

    /// <summary>Bytes of an uncompressed public-key ciphertext.</summary>
    public int CiphertextBytesUncompressed { get; init; }

    /// <summary>Mean precision in bits of a fresh encryption.</summary>
    public double PrecisionBits { get; init; }
}
