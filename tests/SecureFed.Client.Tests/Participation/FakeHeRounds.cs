// A test double of the generated gRPC client, for tests only: it serves one HE round's join
// response and collective key as a (possibly malicious) appliance would, and records whether
// the client uploaded anything, so that a refusal can be shown to upload nothing.

using Google.Protobuf;
using Grpc.Core;
using SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Client.Tests.Participation;

/// <summary>An appliance that answers an HE round from fixed messages.</summary>
internal sealed class FakeHeRounds(JoinRoundResponse joined, byte[] collectiveKey) : Rounds.RoundsClient
{
    private readonly List<ContributionUpload> _uploaded = [];

    /// <summary>How many upload streams the client opened.</summary>
    public int UploadsOpened { get; private set; }

    /// <summary>How many upload messages the client wrote.</summary>
    public int UploadMessages
    {
        get
        {
            lock (_uploaded)
            {
                return _uploaded.Count;
            }
        }
    }

    /// <summary>How many times the client downloaded the collective key.</summary>
    public int KeyDownloads { get; private set; }

    public override AsyncUnaryCall<JoinRoundResponse> JoinRoundAsync(JoinRoundRequest request, CallOptions options) =>
        Unary(joined.Clone());

    public override AsyncServerStreamingCall<Chunk> DownloadCollectiveKey(StageRequest request, CallOptions options)
    {
        KeyDownloads++;
        var chunk = new Chunk { Offset = 0, Data = ByteString.CopyFrom(collectiveKey) };
        return new AsyncServerStreamingCall<Chunk>(
            new ListReader<Chunk>([chunk]), Task.FromResult(new Metadata()), () => Status.DefaultSuccess,
            () => [], () => { });
    }

    public override AsyncClientStreamingCall<ContributionUpload, UploadResponse> UploadCiphertexts(
        CallOptions options)
    {
        UploadsOpened++;
        return new AsyncClientStreamingCall<ContributionUpload, UploadResponse>(
            new ListWriter(_uploaded), Task.FromResult(new UploadResponse()), Task.FromResult(new Metadata()),
            () => Status.DefaultSuccess, () => [], () => { });
    }

    public override AsyncUnaryCall<RoundResult> AwaitResultAsync(StageRequest request, CallOptions options) =>
        Unary(new RoundResult { Round = request.Round, Completed = true });

    private static AsyncUnaryCall<T> Unary<T>(T value) =>
        new(Task.FromResult(value), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });

    private sealed class ListReader<T>(IReadOnlyList<T> items) : IAsyncStreamReader<T>
    {
        private int _next = -1;

        public T Current => items[_next];

        public Task<bool> MoveNext(CancellationToken cancellationToken) =>
            Task.FromResult(++_next < items.Count);
    }

    private sealed class ListWriter(List<ContributionUpload> sink) : IClientStreamWriter<ContributionUpload>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task CompleteAsync() => Task.CompletedTask;

        public Task WriteAsync(ContributionUpload message)
        {
            lock (sink)
            {
                sink.Add(message);
            }

            return Task.CompletedTask;
        }
    }
}
