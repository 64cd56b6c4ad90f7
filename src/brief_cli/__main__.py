from brief_cli.cli import main

main()
