using ActorCluster.Admin.Client;

// The pbm client knows nothing of Akka: it speaks the admin wire protocol to a node's command host.
return await PbmConsole.RunAsync(args);
