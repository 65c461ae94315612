namespace SecureFed.Protocol.He;

/// <summary>
/// One residue of an HE contribution or aggregate: which ciphertext, which component
/// (0 for c0, 1 for c1), which RNS row and which coefficient of that row.
/// </summary>
/// <param name="Ciphertext">The ciphertext's index in the contribution.</param>
/// <param name="Component">0 for c0, 1 for c1.</param>
/// <param name="Residue">The chain prime's index.</param>
/// <param name="Coefficient">The coefficient's index, below the ring degree.</param>
public readonly record struct CoefficientPosition(int Ciphertext, int Component, int Residue, int Coefficient);
