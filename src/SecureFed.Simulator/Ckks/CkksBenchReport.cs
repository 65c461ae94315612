using System.Text.Json.Serialization;

namespace SecureFed.Simulator.Ckks;

/// <summary>Figures of the CKKS engine at one ring degree; serialized as the bench's JSON.</summary>
public sealed record CkksBenchReport
{
    /// <summary>The ring degree N.</summary>
    public required int N { get; init; }

    /// <summary>Bit sizes of the primes of the modulus chain (the ciphertext modulus Q).</summary>
    public required IReadOnlyList<int> PrimeBits { get; init; }

    /// <summary>Bit size of the special prime P that keys carry in addition.</summary>
    public required int SpecialPrimeBits { get; init; }

    /// <summary>Upper bound on log2 Q, the ciphertext modulus.</summary>
    public required int LogQ { get; init; }

    /// <summary>Upper bound on log2 (Q P), the figure the security table bounds.</summary>
    public required int LogQp { get; init; }

    /// <summary>The HomomorphicEncryption.org 128-bit bound on log2 (Q P) for this N.</summary>
    public required int LogQBound128 { get; init; }

    /// <summary>Timed repetitions per figure; each figure is the median.</summary>
    public required int Repetitions { get; init; }

    /// <summary>Whether the NTT ran its AVX2 path.</summary>
    public required bool Avx2 { get; init; }

    /// <summary>Encoding N/2 real values into slots at scale 2^40.</summary>
    public required double EncodeMs { get; init; }

    /// <summary>Encoding N integers into coefficients at scale 2^80 (or less for short Q).</summary>
    public required double EncodeCoefficientsMs { get; init; }

    /// <summary>log2 of the scale <see cref="EncodeCoefficientsMs"/> was measured at.</summary>
    public required int EncodeCoefficientsScaleBits { get; init; }

    /// <summary>Public-key encryption.</summary>
    public required double EncryptPkMs { get; init; }

    /// <summary>Secret-key encryption (c1 as a seed).</summary>
    public required double EncryptSkMs { get; init; }

    /// <summary>Adding one ciphertext into another.</summary>
    public required double AddMs { get; init; }

    /// <summary>Decryption with a whole secret key.</summary>
    public required double DecryptMs { get; init; }

    /// <summary>One custodian's flooded decryption share.</summary>
    public required double DecryptShareMs { get; init; }

    /// <summary>Combining t = 3 decryption shares into the plaintext.</summary>
    public required double CombineMs { get; init; }

    /// <summary>Decoding the N/2 slots.</summary>
    public required double DecodeMs { get; init; }

    /// <summary>Serializing one ciphertext, residues bit-packed.</summary>
    public required double SerializeMs { get; init; }

    /// <summary>Deserializing and validating one ciphertext.</summary>
    public required double DeserializeMs { get; init; }

    /// <summary>Bytes of a serialized public-key ciphertext.</summary>
    public required int CiphertextBytes { get; init; }

    /// <summary>Bytes of the same ciphertext with every residue in a 64-bit word.</summary>
    public required int CiphertextBytesUnpacked { get; init; }

    /// <summary>Bytes of a serialized secret-key ciphertext (c1 as a 32-byte seed).</summary>
    public required int CiphertextBytesSeeded { get; init; }

    /// <summary>Complex slots per ciphertext, N/2.</summary>
    public required int Slots { get; init; }

    /// <summary>Values per ciphertext with coefficient encoding, N.</summary>
    public required int CoefficientValues { get; init; }

    /// <summary>Ciphertext bytes per value with slot encoding.</summary>
    public required double BytesPerValueSlots { get; init; }

    /// <summary>Ciphertext bytes per value with coefficient encoding.</summary>
    public required double BytesPerValueCoefficients { get; init; }

    /// <summary>
    /// Mean of -log2 |error| over the slots of a fresh public-key encryption of U[-1, 1]
    /// values at scale 2^40, decrypted with one key.
    /// </summary>
    public required double PrecisionBits { get; init; }

    /// <summary>Clients in the exact threshold sum.</summary>
    public required int ExactSumClients { get; init; }

    /// <summary>
    /// log2 of the scale of the exact sum: 80, or less when Q is too small for 2^80, or 0
    /// when Q cannot hold the sum above the flooding noise at all (N = 4096).
    /// </summary>
    public required int ExactSumScaleBits { get; init; }

    /// <summary>
    /// True when N 20-bit integers from each client, encrypted at scale 2^80 under a 3-of-5
    /// collective key, summed and decrypted by three custodians, round to the exact sum;
    /// null when Q is too short to run the check (N = 4096 with the default chain).
    /// </summary>
    public required bool? ExactThresholdSum { get; init; }

    /// <summary>The node-seal reference measured in the same run, when asked for.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NodeSealReport? NodeSeal { get; init; }

    /// <summary>Public-key encryption time of node-seal over ours, when measured.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? EncryptPkSpeedupOverNodeSeal { get; init; }
}
