namespace SecureFed.Training.Federated;

/// <summary>The server optimisers federated training can use.</summary>
public enum ServerOptimizerKind
{
    /// <summary>FedAvg: the global model moves by the server rate times the average delta.</summary>
    FedAvg,

    /// <summary>FedAvgM: FedAvg with heavy-ball momentum on the average delta.</summary>
    FedAvgM,

    /// <summary>FedAdam: Adam on the average delta, with the adaptivity floor tau.</summary>
    FedAdam,
}
