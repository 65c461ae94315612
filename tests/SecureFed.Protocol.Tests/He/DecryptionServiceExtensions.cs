using SecureFed.Protocol.He;
using SecureFed.Protocol.He.Messages;

namespace SecureFed.Protocol.Tests.He;

/// <summary>
/// Lets the tests of the other refusal rules ask for a share synchronously, with an honest
/// appliance answering the spot-check's openings.
/// </summary>
internal static class DecryptionServiceExtensions
{
    public static DecryptionResponse CreateShare(this CustodianDecryptionService service, DecryptionRequest request) =>
        service.CreateShareAsync(request, HeHarness.HonestOpener(request)).GetAwaiter().GetResult();
}
