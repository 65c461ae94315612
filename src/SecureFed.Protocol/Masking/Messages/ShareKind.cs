namespace SecureFed.Protocol.Masking.Messages;

/// <summary>Which of a client's two shared secrets a revealed share belongs to.</summary>
public enum ShareKind
{
    /// <summary>The self-mask seed b_u: revealed for a client that survived.</summary>
    SelfMaskSeed = 1,

    /// <summary>The mask private key s_u: revealed for a client that dropped out.</summary>
    MaskKey = 2,
}
