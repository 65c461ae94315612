using SecureFed.Protocol.He.Messages;

namespace SecureFed.Protocol.He;

/// <summary>
/// Asks the appliance for the chunks in <paramref name="request"/> with their inclusion
/// proofs; over gRPC this is the <c>OpenContributions</c> call. What comes back is checked,
/// never trusted.
/// </summary>
/// <param name="request">The round, contributors and chunk indices.</param>
/// <param name="cancellation">Cancels the call.</param>
/// <exception cref="ProtocolViolationException">The appliance refused or failed to answer.</exception>
public delegate Task<IReadOnlyList<ContributionOpening>> ContributionOpener(
    OpeningRequest request, CancellationToken cancellation);
