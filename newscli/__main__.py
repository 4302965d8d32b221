from newscli.entry import main

main()
