// Streaming form of ContributionCommitment: a contribution that arrives in pieces of any
// size (gRPC upload chunks need not align with 4096-byte commitment chunks) is hashed as
// it arrives, holding one chunk and the leaf hashes (32 bytes per 4 KiB) in memory.

using SecureFed.Crypto.Merkle;

namespace SecureFed.Protocol.Contributions;

/// <summary>
/// Computes a contribution's commitment incrementally. Not thread-safe; one instance per
/// upload.
/// </summary>
public sealed class ContributionHasher
{
    private readonly byte[] _pending = new byte[ContributionCommitment.ChunkSize];
    private readonly List<byte[]> _leaves = [];
    private int _pendingLength;
    private long _totalLength;
    private bool _finished;

    /// <summary>Bytes appended so far.</summary>
    public long TotalLength => _totalLength;

    /// <summary>Appends the next piece of the contribution.</summary>
    /// <exception cref="InvalidOperationException">The hasher was already finished.</exception>
    /// <exception cref="ArgumentException">The contribution would exceed the largest length.</exception>
    public void Append(ReadOnlySpan<byte> piece)
    {
        if (_finished)
        {
            throw new InvalidOperationException("The contribution hasher was already finished.");
        }

        if (piece.Length > ContributionCommitment.MaxLength - _totalLength)
        {
            throw new ArgumentException(
                $"A contribution is at most {ContributionCommitment.MaxLength} bytes.", nameof(piece));
        }

        _totalLength += piece.Length;
        if (_pendingLength > 0)
        {
            int take = Math.Min(piece.Length, _pending.Length - _pendingLength);
            piece[..take].CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += take;
            piece = piece[take..];
            if (_pendingLength < _pending.Length)
            {
                return;
            }

            _leaves.Add(MerkleTree.HashLeaf(_pending));
            _pendingLength = 0;
        }

        // Whole chunks are hashed in place; only a trailing partial chunk is copied.
        while (piece.Length >= ContributionCommitment.ChunkSize)
        {
            _leaves.Add(MerkleTree.HashLeaf(piece[..ContributionCommitment.ChunkSize]));
            piece = piece[ContributionCommitment.ChunkSize..];
        }

        piece.CopyTo(_pending);
        _pendingLength = piece.Length;
    }

    /// <summary>Hashes the last, possibly short, chunk and returns the commitment.</summary>
    /// <exception cref="InvalidOperationException">The hasher was already finished.</exception>
    public ContributionDigest Finish()
    {
        if (_finished)
        {
            throw new InvalidOperationException("The contribution hasher was already finished.");
        }

        _finished = true;
        if (_pendingLength > 0)
        {
            _leaves.Add(MerkleTree.HashLeaf(_pending.AsSpan(0, _pendingLength)));
            _pendingLength = 0;
        }

        var leaves = _leaves.ToArray();
        return new ContributionDigest(MerkleTree.Root(leaves), _totalLength, leaves);
    }
}
