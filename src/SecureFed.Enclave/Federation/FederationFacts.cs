using SecureFed.Crypto.Ckks;

namespace SecureFed.Enclave.Federation;

/// <summary>What the appliance fixed about its federation at <c>init</c>.</summary>
/// <param name="Id">16 random bytes that name the federation in every message.</param>
/// <param name="Name">The federation's name, from its CA.</param>
/// <param name="EpsilonLimit">The federation's privacy budget: epsilon.</param>
/// <param name="Delta">The federation's privacy budget: delta.</param>
/// <param name="CkksParameters">The HE-mode parameters.</param>
public sealed record FederationFacts(
    byte[] Id,
    string Name,
    double EpsilonLimit,
    double Delta,
    CkksParameters CkksParameters);
