# Mostrador's web UI in Spanish (neutral Latin American, "tú").

language-name = Español
language-label = Idioma

## Navigation

nav-inbox = Bandeja de entrada
nav-stores = Tiendas
nav-logout = Cerrar sesión
role-admin = Administrador
role-agent = Agente

## Login

login-title = Iniciar sesión
login-email = Correo electrónico
login-password = Contraseña
login-submit = Ingresar
login-wrong = Correo electrónico o contraseña incorrectos.
login-throttled = Demasiados intentos. Vuelve a intentarlo en { $seconds } segundos.

## Inbox

inbox-title = Bandeja de entrada
inbox-conversations = Conversaciones
inbox-empty = Todavía no hay conversaciones.
inbox-select = Selecciona una conversación.
inbox-answered = respondida
filter-store = Tienda
filter-all-stores = Todas las tiendas
filter-category = Categoría
filter-all-categories = Todas las categorías
filter-status = Estado
filter-any-status = Cualquier estado
filter-submit = Filtrar
category-pre_sale_question = Preventa · Preguntas y respuestas
category-post_sale_help = Posventa · Ayuda
category-claim = Reclamo
badge-pre_sale_question = Pregunta
badge-post_sale_help = Ayuda
badge-claim = Reclamo
status-open = Abierta
status-waiting = En espera
status-resolved = Resuelta
waiting-now = ahora
waiting-minutes = { $n } min
waiting-hours = { $n } h
waiting-days = { $n } d

## Conversation

thread-label = Conversación
author-buyer = Comprador
author-agent = Agente
author-bot = Bot
author-mediator = Mediador
author-seller = Vendedor (en Mercado Libre)
delivery-received = recibido
delivery-pending = pendiente
delivery-sent = enviado
delivery-failed = no entregado
composer-placeholder = Escribe la respuesta…
composer-send = Enviar respuesta
locked-answered = Esta pregunta ya tiene su respuesta: Mercado Libre permite una sola respuesta por pregunta.
locked-closed_unanswered = La publicación se cerró antes de que se respondiera esta pregunta: Mercado Libre ya no acepta una respuesta.
locked-deleted = Esta pregunta se eliminó en Mercado Libre.
locked-banned = La moderación de Mercado Libre quitó esta pregunta.
locked-disabled = Esta pregunta está deshabilitada en Mercado Libre.
context-label = Contexto
context-origin = Origen
context-category = Categoría
context-store = Tienda
context-buyer = Comprador
context-store-time = Hora de la tienda
context-view-listing = Ver publicación en Mercado Libre
origin-meli = Mercado Libre

## Stores

stores-title = Tiendas
stores-col-store = Tienda
stores-col-seller = ID de vendedor
stores-col-site = Sitio
stores-col-currency = Moneda
stores-col-connection = Conexión
stores-empty = Todavía no hay tiendas conectadas.
stores-disconnect = Desconectar
stores-connect-title = Conectar una tienda de Mercado Libre
stores-country = País
stores-connect-submit = Conectar con Mercado Libre
health-connected = Conectada
health-needs_reauth = Hay que volver a conectarla
health-disconnected = Desconectada
country-MLB = Brasil
country-MLA = Argentina
country-MLM = México
country-MLC = Chile
country-MCO = Colombia
country-MLU = Uruguay
country-MPE = Perú
country-MEC = Ecuador
country-MLV = Venezuela
country-MCR = Costa Rica
country-MPA = Panamá
country-MRD = República Dominicana
country-MBO = Bolivia
country-MPY = Paraguay

## Errors

error-title = Algo no salió bien
error-back = Volver a la bandeja de entrada
error-generic = Algo salió mal; vuelve a intentarlo.
error-already_answered = Esta pregunta ya tiene su respuesta: Mercado Libre permite una sola respuesta por pregunta.
error-empty = La respuesta está vacía.
error-too_long = La respuesta supera los { $limit } caracteres que acepta Mercado Libre.
error-wrong_channel = Esta conversación no se puede responder con una respuesta a pregunta.
error-not_authorized = Mercado Libre no autorizó la conexión.
error-invalid_callback = A la respuesta de Mercado Libre le faltaba el código de autorización; vuelve a conectar la tienda.
error-invalid_state = Este enlace de autorización venció o ya se usó; vuelve a conectar la tienda.
error-authorization_failed = Mercado Libre rechazó la autorización; vuelve a conectar la tienda.
error-offline_access_missing = Mercado Libre no devolvió un token de renovación: habilita offline_access para esta aplicación.
error-connect-forbidden = Solo el administrador que empezó a conectar la tienda puede terminar de hacerlo.
error-forbidden = No tienes permiso para hacer esto.
error-unauthorized = Inicia sesión para continuar.
error-not_found = Esta página no existe.
error-method_not_allowed = Esta dirección no acepta ese tipo de solicitud.
error-invalid_request = La solicitud no es válida.
error-invalid_filter = Uno de los filtros no es válido.
error-payload_too_large = Lo que enviaste es demasiado grande.
error-unsupported_media_type = Lo que enviaste no tiene un formato que se acepte aquí.
error-timeout = El servidor tardó demasiado en responder; vuelve a intentarlo.
error-too_many_requests = Demasiados intentos. Vuelve a intentarlo en { $seconds } segundos.
