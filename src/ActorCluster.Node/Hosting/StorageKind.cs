namespace ActorCluster.Node.Hosting;

public enum StorageKind { Sqlite, PostgreSql }
