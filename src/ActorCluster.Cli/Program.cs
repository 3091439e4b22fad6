using ActorCluster.Cli;

return await CliParser.RunAsync(args, Console.Out, Console.Error);
