using Google.Protobuf;
using Grpc.Core;
using SecureFed.Client.Participation;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Masking;
using SecureFed.Protocol.Masking.Messages;
using SecureFed.Simulator.Federation;
using V1 = SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Enclave.Tests.Integration;

/// <summary>
/// An honest mask-mode client that the test moves one stage at a time (what
/// MaskRoundParticipant does in one go), so that a test can send a refused message at an
/// exact point of the round and then let the round finish.
/// </summary>
internal sealed class SteppedMaskClient : IDisposable
{
    private readonly RoundRef _round;
    private MaskClient? _client;
    private MaskRoundSetup? _setup;
    private AdvertiseKeysRequest? _advertise;
    private Task<AdvertisedKeysResponse>? _advertised;
    private ForwardedSharesResponse? _forwarded;
    private byte[]? _masked;

    public SteppedMaskClient(SimulatedParticipant participant, RoundRef round, ulong[] input)
    {
        Participant = participant;
        _round = round;
        Input = input;
    }

    public SimulatedParticipant Participant { get; }

    public ulong[] Input { get; }

    public uint Id => Participant.Credentials!.ParticipantId;

    public V1.Rounds.RoundsClient Rounds => Participant.Connection.Rounds;

    private MaskClient Client => _client ?? throw new InvalidOperationException("Join first.");

    /// <summary>This client's stage-1 message, made once so that it can be sent again.</summary>
    public AdvertiseKeysRequest AdvertiseRequest => _advertise ??= new AdvertiseKeysRequest
    {
        Round = _round,
        Advertisement = Client.Advertise(_setup!).ToProto(),
    };

    /// <summary>This client's bit-packed masked vector, once it has its neighbours' shares.</summary>
    public byte[] MaskedVector => _masked ??= Client.MaskInput(
        _forwarded!.FromProto(_round.Round, Id), Input).PackedVector;

    public async Task JoinAsync()
    {
        var joined = await Rounds.JoinRoundAsync(new JoinRoundRequest { Round = _round, ClientId = Id });
        var credentials = Participant.Credentials!;
        _setup = joined.Mask.FromProto();
        var directory = EnrolledDirectory.Verify(
            joined.Keys, _setup.Participants, credentials.FederationId, credentials.Trust);
        _client = new MaskClient(Id, credentials.SigningKey, directory);
    }

    /// <summary>Sends the advertisement once; a second call waits for the same answer.</summary>
    public Task AdvertiseAsync() => _advertised ??= SendAdvertiseAsync();

    /// <summary>
    /// Sends this client's advertisement twice at once, keeps the answer to the copy the
    /// appliance took, and returns how it refused the other.
    /// </summary>
    public async Task<StatusCode> AdvertiseTwiceAsync()
    {
        Task<AdvertisedKeysResponse>[] copies = [SendAdvertiseAsync(), SendAdvertiseAsync()];

        // The appliance holds the copy it took until every client has advertised, and none
        // other has, so the copy that returns first is the refused one. Were both taken,
        // neither would return: the timeout turns that into a failure, not a hang.
        var first = await Task.WhenAny(copies).WaitAsync(TimeSpan.FromSeconds(20));
        _advertised = copies.Single(c => c != first);
        return await SteppedMaskRound.RefusalAsync(() => first);
    }

    public Task<AdvertisedKeysResponse> SendAdvertiseAsync() =>
        Rounds.AdvertiseKeysAsync(AdvertiseRequest).ResponseAsync;

    public async Task ShareAsync()
    {
        var advertised = await (_advertised ?? throw new InvalidOperationException("Advertise first."));
        var shares = Client.ShareKeys(advertised.FromProto(_round.Round)).ToProto(_round);
        _forwarded = await Rounds.ShareKeysAsync(shares);
    }

    public Task<UploadResponse> UploadAsync() => UploadAsync(_round.Round, Id, MaskedVector);

    /// <summary>
    /// Uploads <paramref name="vector"/> with a statement this client signs for
    /// <paramref name="round"/> and <paramref name="clientId"/>, whatever they are.
    /// </summary>
    public Task<UploadResponse> UploadAsync(ulong round, uint clientId, byte[] vector) =>
        UploadRawAsync(SignUpload(round, clientId, vector), [vector]);

    /// <summary>
    /// An upload header whose statement this client signs over <paramref name="vector"/>
    /// for <paramref name="round"/> and <paramref name="clientId"/>, whatever they are.
    /// </summary>
    public UploadHeader SignUpload(ulong round, uint clientId, byte[] vector)
    {
        var credentials = Participant.Credentials!;
        var statement = new ContributionStatement(
            credentials.FederationId, round, clientId, ContributionStatement.MaskMode, vector.Length,
            ContributionCommitment.ComputeRoot(vector));
        return new UploadHeader
        {
            Statement = statement.ToProto(statement.Sign(credentials.SigningKey)),
            SessionId = ByteString.CopyFrom(Client.SessionId.Span),
        };
    }

    /// <summary>
    /// Streams a header and then each of <paramref name="chunks"/> as it is, over this
    /// client's connection or <paramref name="via"/> another caller's.
    /// </summary>
    public async Task<UploadResponse> UploadRawAsync(
        UploadHeader header, IEnumerable<byte[]> chunks, V1.Rounds.RoundsClient? via = null)
    {
        using var call = (via ?? Rounds).UploadMaskedInput();
        try
        {
            await call.RequestStream.WriteAsync(new ContributionUpload { Header = header });
            long offset = 0;
            foreach (byte[] chunk in chunks)
            {
                await call.RequestStream.WriteAsync(new ContributionUpload
                {
                    Chunk = new Chunk { Offset = (ulong)offset, Data = ByteString.CopyFrom(chunk) },
                });
                offset += chunk.Length;
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The appliance refused the upload before it was all sent; the response below
            // carries the status it refused it with.
        }

        return await call.ResponseAsync;
    }

    /// <summary>Signs the survivor set, reveals shares and waits for the round's result.</summary>
    public async Task<RoundResult> FinishAsync()
    {
        var stage = new StageRequest { Round = _round, ClientId = Id };
        var survivors = await Rounds.AwaitSurvivorsAsync(stage);
        var signature = Client.SignSurvivors(survivors.FromProto(_round.Round)).ToProto(_round);
        var unmask = await Rounds.SignSurvivorsAsync(signature);
        var reveal = Client.Unmask(unmask.FromProto(_round.Round)).ToProto(_round);
        await Rounds.UnmaskAsync(reveal);
        return await Rounds.AwaitResultAsync(stage);
    }

    public void Dispose() => _client?.Dispose();
}
