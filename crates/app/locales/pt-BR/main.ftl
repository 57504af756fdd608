# Mostrador's web UI in Brazilian Portuguese.

language-name = Português
language-label = Idioma

## Navigation

nav-inbox = Caixa de entrada
nav-stores = Lojas
nav-logout = Sair
role-admin = Administrador
role-agent = Atendente

## Login

login-title = Entrar
login-email = E-mail
login-password = Senha
login-submit = Entrar
login-wrong = E-mail ou senha incorretos.
login-throttled = Muitas tentativas. Tente novamente em { $seconds } segundos.

## Inbox

inbox-title = Caixa de entrada
inbox-conversations = Conversas
inbox-empty = Ainda não há conversas.
inbox-select = Selecione uma conversa.
inbox-answered = respondida
filter-store = Loja
filter-all-stores = Todas as lojas
filter-category = Categoria
filter-all-categories = Todas as categorias
filter-status = Situação
filter-any-status = Qualquer situação
filter-submit = Filtrar
category-pre_sale_question = Pré-venda · Perguntas e respostas
category-post_sale_help = Pós-venda · Ajuda
category-claim = Reclamação
badge-pre_sale_question = Pergunta
badge-post_sale_help = Ajuda
badge-claim = Reclamação
status-open = Aberta
status-waiting = Aguardando
status-resolved = Resolvida
waiting-now = agora
waiting-minutes = { $n } min
waiting-hours = { $n } h
waiting-days = { $n } d

## Conversation

thread-label = Conversa
author-buyer = Comprador
author-agent = Atendente
author-bot = Bot
author-mediator = Mediador
author-seller = Vendedor (no Mercado Livre)
delivery-received = recebida
delivery-pending = pendente
delivery-sent = enviada
delivery-failed = não entregue
composer-placeholder = Escreva a resposta…
composer-send = Enviar resposta
locked-answered = Esta pergunta já tem resposta: o Mercado Livre permite uma única resposta por pergunta.
locked-closed_unanswered = O anúncio foi encerrado antes de esta pergunta ser respondida: o Mercado Livre não aceita mais uma resposta.
locked-deleted = Esta pergunta foi excluída no Mercado Livre.
locked-banned = Esta pergunta foi removida pela moderação do Mercado Livre.
locked-disabled = Esta pergunta está desativada no Mercado Livre.
context-label = Contexto
context-origin = Origem
context-category = Categoria
context-store = Loja
context-buyer = Comprador
context-store-time = Horário da loja
context-view-listing = Ver anúncio no Mercado Livre
origin-meli = Mercado Livre

## Stores

stores-title = Lojas
stores-col-store = Loja
stores-col-seller = ID do vendedor
stores-col-site = Site
stores-col-currency = Moeda
stores-col-connection = Conexão
stores-empty = Ainda não há lojas conectadas.
stores-disconnect = Desconectar
stores-connect-title = Conectar uma loja do Mercado Livre
stores-country = País
stores-connect-submit = Conectar com o Mercado Livre
health-connected = Conectada
health-needs_reauth = Precisa ser conectada de novo
health-disconnected = Desconectada
country-MLB = Brasil
country-MLA = Argentina
country-MLM = México
country-MLC = Chile
country-MCO = Colômbia
country-MLU = Uruguai
country-MPE = Peru
country-MEC = Equador
country-MLV = Venezuela
country-MCR = Costa Rica
country-MPA = Panamá
country-MRD = República Dominicana
country-MBO = Bolívia
country-MPY = Paraguai

## Errors

error-title = Algo deu errado
error-back = Voltar para a caixa de entrada
error-generic = Algo deu errado; tente novamente.
error-already_answered = Esta pergunta já tem resposta: o Mercado Livre permite uma única resposta por pergunta.
error-empty = A resposta está vazia.
error-too_long = A resposta passa dos { $limit } caracteres que o Mercado Livre aceita.
error-wrong_channel = Esta conversa não pode ser respondida com uma resposta de pergunta.
error-not_authorized = O Mercado Livre não autorizou a conexão.
error-invalid_callback = A resposta do Mercado Livre veio sem o código de autorização; conecte a loja novamente.
error-invalid_state = Este link de autorização expirou ou já foi usado; conecte a loja novamente.
error-authorization_failed = O Mercado Livre recusou a autorização; conecte a loja novamente.
error-offline_access_missing = O Mercado Livre não devolveu um token de renovação: habilite offline_access para este aplicativo.
error-connect-forbidden = Só o administrador que começou a conectar a loja pode concluir a conexão.
error-forbidden = Você não tem permissão para fazer isso.
error-unauthorized = Entre para continuar.
error-not_found = Esta página não existe.
error-method_not_allowed = Este endereço não aceita esse tipo de solicitação.
error-invalid_request = A solicitação não é válida.
error-invalid_filter = Um dos filtros não é válido.
error-payload_too_large = O que você enviou é grande demais.
error-unsupported_media_type = O que você enviou não está em um formato aceito aqui.
error-timeout = O servidor demorou demais para responder; tente novamente.
error-too_many_requests = Muitas tentativas. Tente novamente em { $seconds } segundos.
