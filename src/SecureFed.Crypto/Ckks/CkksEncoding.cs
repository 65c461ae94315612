namespace SecureFed.Crypto.Ckks;

/// <summary>How the values of a CKKS plaintext map to its polynomial.</summary>
public enum CkksEncoding
{
    /// <summary>
    /// N/2 complex slots through the canonical embedding: products of plaintexts act slot
    /// by slot.
    /// </summary>
    Slots = 1,

    /// <summary>
    /// N values placed directly in the coefficients, scaled: twice the capacity of slots,
    /// exact for integers, but only sums and products by scalars act value by value.
    /// </summary>
    Coefficients = 2,
}
