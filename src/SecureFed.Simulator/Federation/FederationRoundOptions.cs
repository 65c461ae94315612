using SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Simulator.Federation;

/// <summary>What <c>securefed-sim round</c> runs.</summary>
/// <param name="Mode">Mask or HE.</param>
/// <param name="Clients">Clients that enroll and join.</param>
/// <param name="Dimension">Length of each client's integer vector.</param>
/// <param name="Custodians">HE mode: custodians in the key ceremony.</param>
/// <param name="Threshold">HE mode: custodians needed to decrypt.</param>
/// <param name="Dropout">Fraction of clients that join and then go silent before contributing.</param>
/// <param name="ValueBits">Each coordinate of an input is below 2^ValueBits.</param>
/// <param name="Seed">Seed of the simulated inputs and of who drops out.</param>
/// <param name="EvidenceDirectory">When set, the ledger export (ledger.json) and the
/// contributions directory (contributions/) an auditor spot-checks aggregates with are
/// written here before the appliance stops.</param>
public sealed record FederationRoundOptions(
    ProtectionMode Mode,
    int Clients,
    int Dimension,
    int Custodians = 5,
    int Threshold = 3,
    double Dropout = 0,
    int ValueBits = 16,
    int Seed = 1,
    string? EvidenceDirectory = null);
